// Step 2 (import), from files: a WAImportExport dataset.csv (and, optionally, its driveset.csv).
import { Body1, Button, Caption1, tokens } from '@fluentui/react-components';
import { Dismiss16Regular, DocumentArrowUp20Regular } from '@fluentui/react-icons';
import { useHaul } from '../../store';
import type { DraftValues, FieldErrors } from '../../wizard/model';
import { useCsvPicker } from './csv';
import { Section, useFieldError, useStepStyles } from './parts';

export function DatasetFiles({ attempted, errors }: { attempted: boolean; errors: FieldErrors }) {
  const styles = useStepStyles();
  const d = useHaul((s) => s.wizard.values.importData);
  const update = useHaul((s) => s.wizard.update);
  const set = (patch: Partial<DraftValues['importData']>) =>
    update((v) => ({ ...v, importData: { ...v.importData, ...patch } }));
  const dataset = useCsvPicker((f) => set({ mode: 'dataset', dataset: f }));
  const driveset = useCsvPicker((f) => set({ driveset: f }));
  const datasetError = useFieldError(errors, 'dataset', attempted);
  return (
    <Section title="dataset.csv and driveset.csv">
      <Body1>
        The WAImportExport v2 files: dataset.csv (BasePath, DstBlobPathOrPrefix, BlobType, Disposition, MetadataFile,
        PropertiesFile) and, optionally, driveset.csv (DriveLetter holds the drive's mount path here).
      </Body1>
      <div className={styles.actions}>
        <input
          ref={dataset.ref}
          type="file"
          accept=".csv,text/csv"
          hidden
          onChange={(e) => void dataset.onChange(e)}
          data-testid="dataset-file"
        />
        <Button icon={<DocumentArrowUp20Regular />} onClick={dataset.pick}>
          Load dataset.csv…
        </Button>
        {d.dataset && (
          <Caption1 className={styles.mono}>
            {d.dataset.name} ({d.dataset.text.split(/\r?\n/).filter(Boolean).length - 1} rows)
          </Caption1>
        )}
        <input
          ref={driveset.ref}
          type="file"
          accept=".csv,text/csv"
          hidden
          onChange={(e) => void driveset.onChange(e)}
          data-testid="driveset-file"
        />
        <Button icon={<DocumentArrowUp20Regular />} onClick={driveset.pick}>
          Load driveset.csv…
        </Button>
        {d.driveset && (
          <>
            <Caption1 className={styles.mono}>{d.driveset.name}</Caption1>
            <Button
              size="small"
              appearance="subtle"
              icon={<Dismiss16Regular />}
              aria-label="Remove driveset.csv"
              onClick={() => update((v) => ({ ...v, importData: { ...v.importData, driveset: undefined } }))}
            />
          </>
        )}
      </div>
      {datasetError && (
        <Caption1 role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
          {datasetError}
        </Caption1>
      )}
    </Section>
  );
}
