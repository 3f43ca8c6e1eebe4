// npm run test:full: the cross-products npm test samples, in full: every sample scene under every less kind answer
// of the emulated host (test/e2e/host-api.test.ts with LEAKTOOLS_FULL_CROSS=1). .ci/run calls it after npm test; the
// fault suite's full run is `npm run faults`.
"use strict";
process.env.LEAKTOOLS_FULL_CROSS = "1";
require("jest").run(["test/e2e/host-api.test.ts"].concat(process.argv.slice(2)));
