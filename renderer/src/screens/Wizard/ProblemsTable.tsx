// Files the copy cannot take, each with what is wrong, what to do and a button to leave it out of
// the job: on the Data step (pre-flight) and on the Drives step (files no chosen drive can hold).
import {
  Body1,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
} from '@fluentui/react-components';
import type { PreflightProblem } from '../../../../shared/prep/types';
import { useHaul } from '../../store';
import { useStepStyles } from './parts';

export function ProblemsTable({
  problems,
  count,
  label,
  testId,
  fixHint = 'fix each file and check again, or exclude it.',
}: {
  problems: PreflightProblem[];
  count: number;
  label: string;
  testId: string;
  fixHint?: string;
}) {
  const styles = useStepStyles();
  const exclude = useHaul((s) => s.wizard.exclude);
  if (count === 0) return null;
  return (
    <>
      <Body1 role="status">
        {count} problem{count === 1 ? '' : 's'}
        {count > problems.length ? ` (the first ${problems.length} listed)` : ''}: {fixHint}
      </Body1>
      <Table size="small" aria-label={label} data-testid={testId}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>File</TableHeaderCell>
            <TableHeaderCell>What is wrong</TableHeaderCell>
            <TableHeaderCell>What to do</TableHeaderCell>
            <TableHeaderCell>Action</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {problems.map((p, i) => (
            <TableRow key={`${p.source}-${p.code}-${i}`}>
              <TableCell className={styles.mono}>{p.source}</TableCell>
              <TableCell>{p.message}</TableCell>
              <TableCell>{p.fix}</TableCell>
              <TableCell>
                <Button size="small" aria-label={`Exclude ${p.source}`} onClick={() => exclude(p.source, true)}>
                  Exclude
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}
