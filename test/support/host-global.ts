// Unit tests of src/host run against the emulated host installed as the global `host`, as the provider does.
import * as vm from "vm";
import { EmulatedTarget } from "../emulator/target";
import { createHost, HostControl } from "../emulator/host";

export function installHost(target: EmulatedTarget, apiMinor = 3): HostControl {
  const context = vm.createContext({});
  const control = createHost(target, context);
  control.apiVersion.minor = apiMinor;
  control.enterPhase2();
  (global as unknown as { host: unknown }).host = control.host;
  return control;
}
