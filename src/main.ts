// The script's entry points. initializeScript returns one registration list and touches nothing on the target.
import { Command } from "./commands/command";
import { leaktoolsCommand } from "./commands/leaktools";
import { triageCommand } from "./commands/triage";
import { unloadleaksCommand } from "./commands/unloadleaks";
import { findimporterCommand } from "./commands/findimporter";
import { registrations } from "./host/registration";
import { virtblocksCommand, virtstacksCommand } from "./commands/virtblocks";

const commands: Command[] = [
  leaktoolsCommand(() => commands),
  triageCommand,
  unloadleaksCommand,
  virtblocksCommand(),
  virtstacksCommand(),
  findimporterCommand,
];

export function initializeScript(): object[] {
  return registrations(commands);
}

export function uninitializeScript(): void {
  // Records returned by initializeScript are undone by the provider; nothing else was registered.
}
