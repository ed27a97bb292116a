// Worker entry: computes the MD5 of each whole file from the blocks a copy worker hands over (hashRing.ts).
import { workerData } from 'node:worker_threads';
import { runHasher, type HasherInit } from './hashRing';
import { runNicer } from './workerBoot';

runNicer();
runHasher(workerData as HasherInit, 'file');
