// Worker entry: one of a copy worker's hashers: the MD5 of every block, or of every small file
// packed into a slot, that the copy worker hands over (hashRing.ts). Two run, one per lane.
import { workerData } from 'node:worker_threads';
import { runHasher, type HasherInit } from './hashRing';
import { runNicer } from '../threads/workerBoot';

runNicer();
runHasher(workerData as HasherInit);
