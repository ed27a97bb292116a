// Fixture for azurite.test.ts: a stand-in "service" that starts Azurite, prints its pid and waits
// to be killed. Run with `node --import tsx`.
import { startAzurite } from '../../../service/datacenter';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: orphan-fixture.ts DATA_DIR');
const az = await startAzurite({ dataDir, accounts: ['orphan'] });
await az.client('orphan').getContainerClient('written-before-crash').create();
console.log(JSON.stringify({ pid: az.pid }));
setInterval(() => undefined, 1000);
