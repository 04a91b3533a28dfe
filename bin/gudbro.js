#!/usr/bin/env node
/*
 * `gudbro` bin shim: registers the TypeScript loader (with this checkout's tsconfig, wherever it is
 * run from), then runs bin/gudbro.ts. Works on a plain checkout after `npm ci`.
 */
import { fileURLToPath } from 'node:url'

process.env.TS_NODE_PROJECT ??= fileURLToPath(new URL('../tsconfig.json', import.meta.url))
await import('ts-node-maintained/register/esm')
await import('./gudbro.ts')
