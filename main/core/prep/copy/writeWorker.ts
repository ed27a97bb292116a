// Worker entry: a copy worker's writer, which writes the blocks of big files from the ring's slots
// to the drive while the copy thread reads the next ones (blockWriter.ts).
import { workerData } from 'node:worker_threads';
import { runWriter, type WriterInit } from './blockWriter';
import { runNicer } from '../threads/workerBoot';

runNicer();
runWriter(workerData as WriterInit);
