// Checks that the bundle is what both of the debugger's engines run: one classic script at ES2017 at most,
// with initializeScript and uninitializeScript as its only public top-level names.
// Usage: node scripts/check-bundle.js [dist/leaktools.js]
"use strict";
const fs = require("fs");
const acorn = require("acorn");
const walk = require("acorn-walk");

/** Returns a list of problems; empty when the source passes. */
function checkBundle(source) {
  const problems = [];
  let ast;
  try {
    // ecmaVersion 2017 rejects ?., ??, BigInt literals, regex lookbehind, named groups and the s flag, and
    // sourceType "script" rejects import and export.
    ast = acorn.parse(source, { ecmaVersion: 2017, sourceType: "script", locations: true });
  } catch (e) {
    return ["not an ES2017 classic script: " + e.message];
  }
  walk.full(ast, (node) => {
    const at = node.loc ? " (line " + node.loc.start.line + ")" : "";
    if ((node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression") && node.async) {
      problems.push("async function" + at);
    }
    if (node.type === "AwaitExpression") problems.push("await" + at);
    if (node.type === "Identifier" && (node.name === "globalThis" || node.name === "BigInt")) problems.push(node.name + at);
    if (node.type === "CallExpression" && node.callee.type === "Identifier" && node.callee.name === "require") {
      problems.push("require()" + at);
    }
    if (node.type === "Literal" && node.regex && /[su]/.test(node.regex.flags)) problems.push("regex flag " + node.regex.flags + at);
    // rollup rewrites a module's top-level `this` to `undefined` (unless context is "this"): `undefined.x` or
    // `defineMetadata(undefined, ...)` in the bundle is that rewrite.
    if (node.type === "MemberExpression" && node.object.type === "Identifier" && node.object.name === "undefined") {
      problems.push("top-level this rewritten to undefined" + at);
    }
    if (node.type === "CallExpression" && node.arguments.length && node.arguments[0].type === "Identifier" && node.arguments[0].name === "undefined" &&
        node.callee.type === "MemberExpression" && node.callee.property.name === "defineMetadata") {
      problems.push("top-level this rewritten to undefined" + at);
    }
    // Regular expressions built at run time escape the parser: check constant patterns given to RegExp.
    if ((node.type === "NewExpression" || node.type === "CallExpression") && node.callee.type === "Identifier" && node.callee.name === "RegExp") {
      const [pattern, flags] = node.arguments;
      if (pattern && pattern.type === "Literal" && typeof pattern.value === "string" && /\(\?<[=!]|\(\?<[A-Za-z]/.test(pattern.value)) {
        problems.push("RegExp with lookbehind or a named group" + at);
      }
      if (flags && flags.type === "Literal" && typeof flags.value === "string" && /[sdv]/.test(flags.value)) problems.push("RegExp flag " + flags.value + at);
    }
  });
  const publicNames = [];
  for (const statement of ast.body) {
    if (statement.type === "FunctionDeclaration") publicNames.push(statement.id.name);
    if (statement.type === "VariableDeclaration") for (const d of statement.declarations) if (d.id.type === "Identifier") publicNames.push(d.id.name);
    if (statement.type === "ClassDeclaration") publicNames.push(statement.id.name);
  }
  for (const required of ["initializeScript", "uninitializeScript"]) {
    if (!publicNames.includes(required)) problems.push("no top-level function " + required);
  }
  for (const name of publicNames) {
    if (name !== "initializeScript" && name !== "uninitializeScript" && !name.startsWith("__")) {
      problems.push("public top-level name " + name + " (internal names must start with __)");
    }
  }
  return problems;
}

module.exports = { checkBundle };

if (require.main === module) {
  const file = process.argv[2] || "dist/leaktools.js";
  const problems = checkBundle(fs.readFileSync(file, "utf8"));
  if (problems.length) {
    console.error(file + " fails the bundle check:\n  " + problems.join("\n  "));
    process.exit(1);
  }
  console.log(file + ": ES2017 classic script, public names initializeScript/uninitializeScript - ok");
}
