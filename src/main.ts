// The script's entry points. initializeScript returns one registration list and touches nothing on the target.
import { Command } from "./commands/command";
import { leaktoolsCommand } from "./commands/leaktools";
import { leaktagCommand } from "./commands/leaktag";
import { pooltagsCommand } from "./commands/pooltags";
import { leaksCommand } from "./commands/leaks";
import { pooltagfileCommand } from "./commands/pooltagfile";
import { findimporterCommand } from "./commands/findimporter";
import { virtblocksCommand, virtstacksCommand } from "./commands/virtblocks";
import { unloadleaksCommand } from "./commands/unloadleaks";
import { triageCommand } from "./commands/triage";
import { ltlimitsCommand } from "./commands/ltlimits";
import { poolallocsCommand } from "./commands/poolallocs";
import { heapblocksCommand } from "./commands/heapblocks";
import { heapleaksCommand } from "./commands/heapleaks";
import { registrations } from "./host/registration";

const commands: Command[] = [
  leaktoolsCommand(() => commands),
  leaktagCommand,
  pooltagsCommand,
  leaksCommand,
  pooltagfileCommand,
  findimporterCommand,
  virtblocksCommand(),
  virtstacksCommand(),
  unloadleaksCommand,
  triageCommand,
  ltlimitsCommand,
  poolallocsCommand,
  heapblocksCommand,
  heapleaksCommand,
];

export function initializeScript(): object[] {
  return registrations(commands);
}

export function uninitializeScript(): void {
  // Records returned by initializeScript are undone by the provider; nothing else was registered.
}
