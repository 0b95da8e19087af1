#!/usr/bin/env node
/** `node apps/bench/dist/bin/profile-top.js <file.cpuprofile> [top]`: the hot spots of a `node --cpu-prof` profile. */
import { readFile } from 'node:fs/promises';
import { renderProfileSummary, summariseCpuProfile, type CpuProfile } from '../cpu-profile-summary.js';

const [path, top = '25'] = process.argv.slice(2);
if (path === undefined) {
  console.error('usage: profile-top <file.cpuprofile> [top]');
  process.exit(2);
}
const profile = JSON.parse(await readFile(path, 'utf8')) as CpuProfile;
process.stdout.write(renderProfileSummary(summariseCpuProfile(profile, Number(top))));
