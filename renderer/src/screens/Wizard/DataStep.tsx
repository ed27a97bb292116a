// Step 2: what goes into the job — an import's files, or an export's blobs.
import { useHaul } from '../../store';
import { ExportData } from './ExportData';
import { ImportData } from './ImportData';
import type { StepProps } from './step';

export function DataStep(props: StepProps) {
  const kind = useHaul((s) => s.wizard.values.type.kind);
  return kind === 'export' ? <ExportData {...props} /> : <ImportData {...props} />;
}
