#!/usr/bin/env node
// holowatch runs its TypeScript sources directly (tsx), so a fresh clone needs no build step.
import { register } from 'tsx/esm/api'

register()
await import('../cli/main.ts')
