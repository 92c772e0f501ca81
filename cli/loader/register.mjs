// `node --import ./cli/loader/register.mjs cli/main.ts`: raftbench's TypeScript loader (see hooks.mjs).
import { register } from 'node:module';

process.setSourceMapsEnabled(true); // stack traces name the .ts lines
register('./hooks.mjs', import.meta.url);
