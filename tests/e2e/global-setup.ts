// Starts one browser-mode station (`haul serve`, the built CLI) for the run and hands its URL to
// the tests through the environment. Tests that need their own server use ./station.ts directly.
import { startStation } from './station';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const station = await startStation();
  process.env.HAUL_URL = station.url;
  process.env.HAUL_PORT = String(station.port);
  process.env.HAUL_DATA_DIR_E2E = station.dataDir;
  return () => station.dispose();
}
