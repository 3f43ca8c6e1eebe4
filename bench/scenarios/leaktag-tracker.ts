export { trackerScenario as scenario } from "./leaktag";
