// Worker entry: one of a copy worker's hashers: the MD5 of every block of a big file that the copy
// worker hands over (hashRing.ts). Two run, one per lane.
import { workerData } from 'node:worker_threads';
import { runHasher, type HasherInit } from './hashRing';
import { runNicer } from '../threads/workerBoot';

runNicer();
runHasher(workerData as HasherInit);
