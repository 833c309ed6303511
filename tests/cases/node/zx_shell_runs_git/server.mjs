import { $ } from "zx";

// zx runs the template as a shell command line.
const log = await $`git log --oneline -5`;
console.log(`recent changes:\n${log}`);
