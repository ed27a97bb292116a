export async function run(_argv: string[]): Promise<number> {
  console.error('haul serve: not built yet');
  return 1;
}
