// Step 2: what goes into the job. Import: folders and files (picked over fs.browse, or typed) or
// a dataset.csv, where they land, and pre-flight: every problem with its file and what to do,
// Next held until each is fixed or excluded. Export: blob paths and prefixes, and how many drives
// of a chosen size the export needs.
import { useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import {
  Body1,
  Button,
  Caption1,
  Dropdown,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Option,
  Radio,
  RadioGroup,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textarea,
  tokens,
} from '@fluentui/react-components';
import {
  Add20Regular,
  ArrowClockwise20Regular,
  Dismiss16Regular,
  DocumentArrowUp20Regular,
  FolderOpen20Regular,
} from '@fluentui/react-icons';
import { formatBytes, parseSize } from '../../../../shared/prep/names';
import type { ExportPreview } from '../../../../shared/prep/exportPreview';
import { useHaul } from '../../store';
import { bridge } from '../../bridge';
import { answer, errorText } from './api';
import { exportDataErrors, importDataErrors, splitLines, type DraftValues } from './model';
import { FILL, Section, TextField, useFieldError, useStepStyles } from './parts';
import { FolderBrowser } from './FolderBrowser';
import type { StepProps } from './WizardScreen';

export function DataStep(props: StepProps) {
  const kind = useHaul((s) => s.wizard.values.type.kind);
  return kind === 'export' ? <ExportData {...props} /> : <ImportData {...props} />;
}

type ImportValues = DraftValues['importData'];

/** Reads a picked CSV file as text in the page (it is small); main parses and checks it. */
function useCsvPicker(onLoad: (file: { name: string; text: string }) => void) {
  const ref = useRef<HTMLInputElement>(null);
  const onChange = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) onLoad({ name: file.name, text: await file.text() });
    e.target.value = '';
  };
  return { ref, onChange, pick: () => ref.current?.click() };
}

function ImportData({ attempted, setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const d = values.importData;
  const update = useHaul((s) => s.wizard.update);
  const runPlan = useHaul((s) => s.wizard.runPlan);
  const plan = useHaul((s) => s.wizard.plan);
  const planning = useHaul((s) => s.wizard.planning);
  const planError = useHaul((s) => s.wizard.planError);
  const errors = useMemo(() => importDataErrors(values), [values]);
  const [browsing, setBrowsing] = useState(false);
  const [typedPath, setTypedPath] = useState('');
  const set = (patch: Partial<ImportValues>) => update((v) => ({ ...v, importData: { ...v.importData, ...patch } }));
  const mode = d.mode ?? 'picked';
  const dataset = useCsvPicker((f) => set({ mode: 'dataset', dataset: f }));
  const driveset = useCsvPicker((f) => set({ driveset: f }));
  const localOk = Object.keys(errors).length === 0;

  // Pre-flight runs after a pause in changes to what is copied (nothing is written).
  const key = JSON.stringify([
    mode,
    d.paths,
    d.destination,
    d.blobType,
    d.disposition,
    d.dataset?.text,
    d.exclude,
    values.type.jobName,
  ]);
  useEffect(() => {
    if (!localOk) return;
    const timer = setTimeout(() => void runPlan(false), 500);
    return () => clearTimeout(timer);
  }, [key, localOk, runPlan]);

  const problems = plan?.problems ?? [];
  const problemCount = plan?.problemCount ?? 0;
  const checked = !!plan && !planning && !planError;
  const canNext = localOk && checked && problemCount === 0;
  useEffect(() => {
    setGate({
      canNext,
      why: !localOk
        ? 'Say what to copy and where it goes.'
        : planning || !plan
          ? 'Checking the files…'
          : planError
            ? 'The check failed; see the message above.'
            : problemCount
              ? `Fix or exclude the ${problemCount} problem${problemCount === 1 ? '' : 's'} pre-flight found.`
              : undefined,
    });
  }, [canNext, localOk, planning, plan, planError, problemCount, setGate]);

  const addPaths = (paths: string[]) => set({ paths: [...new Set([...d.paths, ...paths])] });
  const pathsError = useFieldError(errors, 'paths', attempted);
  const datasetError = useFieldError(errors, 'dataset', attempted);

  return (
    <div className={styles.step}>
      <RadioGroup
        value={mode}
        onChange={(_e, x) => set({ mode: x.value === 'dataset' ? 'dataset' : 'picked' })}
        layout="horizontal"
        aria-label="How to give the data"
      >
        <Radio value="picked" label="Pick folders and files" />
        <Radio value="dataset" label="Load a dataset.csv" />
      </RadioGroup>
      {mode === 'picked' ? (
        <>
          <Section title="Folders and files to copy">
            <div className={styles.actions}>
              <Button icon={<FolderOpen20Regular />} onClick={() => setBrowsing(true)}>
                Browse…
              </Button>
              <form
                className={styles.actions}
                onSubmit={(e) => {
                  e.preventDefault();
                  if (typedPath.trim()) {
                    addPaths([typedPath.trim()]);
                    setTypedPath('');
                  }
                }}
              >
                <Field label="Or type a path on this computer">
                  <Input
                    value={typedPath}
                    onChange={(_e, x) => setTypedPath(x.value)}
                    spellCheck={false}
                    style={{ minWidth: '280px' }}
                    data-testid="source-path"
                  />
                </Field>
                <Button type="submit" icon={<Add20Regular />} style={{ alignSelf: 'flex-end' }}>
                  Add
                </Button>
              </form>
            </div>
            {pathsError && (
              <Caption1 role="alert" style={{ color: tokens.colorPaletteRedForeground1 }}>
                {pathsError}
              </Caption1>
            )}
            {d.paths.length > 0 && (
              <ul className={styles.list} aria-label="Sources" data-testid="sources">
                {d.paths.map((p) => (
                  <li key={p} className={styles.actions}>
                    <span className={styles.mono}>{p}</span>
                    <Button
                      size="small"
                      appearance="subtle"
                      icon={<Dismiss16Regular />}
                      aria-label={`Remove ${p}`}
                      onClick={() => set({ paths: d.paths.filter((x) => x !== p) })}
                    />
                  </li>
                ))}
              </ul>
            )}
          </Section>
          <Section title="Where it lands in the storage account">
            <div className={styles.row}>
              <TextField
                className={styles.grow}
                label="Container and prefix"
                field="destination"
                required
                value={d.destination ?? ''}
                onChange={(v) => set({ destination: v })}
                errors={errors}
                show={attempted || !!d.destination}
                hint="Folders keep their contents under it, e.g. photos/2026/ (a single file may name its blob: photos/a.jpg)."
                input={{ spellCheck: false }}
              />
              <Field label="Blob type" className={styles.narrow}>
                <Dropdown
                  style={FILL}
                  value={d.blobType ?? 'BlockBlob'}
                  selectedOptions={[d.blobType ?? 'BlockBlob']}
                  onOptionSelect={(_e, x) => set({ blobType: x.optionValue === 'PageBlob' ? 'PageBlob' : 'BlockBlob' })}
                >
                  <Option value="BlockBlob">BlockBlob</Option>
                  <Option value="PageBlob">PageBlob</Option>
                </Dropdown>
              </Field>
              <Field label="If the blob exists" className={styles.narrow}>
                <Dropdown
                  style={FILL}
                  value={DISPOSITIONS[d.disposition ?? 'rename']}
                  selectedOptions={[d.disposition ?? 'rename']}
                  onOptionSelect={(_e, x) =>
                    set({ disposition: (x.optionValue as ImportValues['disposition']) ?? 'rename' })
                  }
                >
                  {Object.entries(DISPOSITIONS).map(([k, text]) => (
                    <Option key={k} value={k}>
                      {text}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
            </div>
          </Section>
        </>
      ) : (
        <Section title="dataset.csv and driveset.csv">
          <Body1>
            The WAImportExport v2 files: dataset.csv (BasePath, DstBlobPathOrPrefix, BlobType, Disposition,
            MetadataFile, PropertiesFile) and, optionally, driveset.csv (DriveLetter holds the drive's mount path here).
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
      )}
      <Section title="Pre-flight">
        <div className={styles.actions}>
          <Button
            icon={<ArrowClockwise20Regular />}
            disabled={!localOk || planning}
            onClick={() => void runPlan(false)}
          >
            Check again
          </Button>
          {planning && <Spinner size="tiny" label="Checking names, sizes and access of every file…" />}
        </div>
        {planError && (
          <MessageBar intent="error">
            <MessageBarBody>
              <MessageBarTitle>The check could not run</MessageBarTitle>
              {planError}
            </MessageBarBody>
          </MessageBar>
        )}
        {checked && problemCount === 0 && plan && (
          <MessageBar intent="success" data-testid="preflight-ok">
            <MessageBarBody>
              No problems:{' '}
              {plan.plan
                ? `${plan.plan.totalFiles.toLocaleString()} files, ${formatBytes(plan.plan.totalBytes)}`
                : 'every file can be copied'}
              .
            </MessageBarBody>
          </MessageBar>
        )}
        {problemCount > 0 && (
          <>
            <Body1 role="status">
              {problemCount} problem{problemCount === 1 ? '' : 's'}
              {problemCount > problems.length ? ` (the first ${problems.length} listed)` : ''}: fix each file and check
              again, or exclude it.
            </Body1>
            <Table size="small" aria-label="Pre-flight problems" data-testid="preflight-problems">
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
                      <Button
                        size="small"
                        aria-label={`Exclude ${p.source}`}
                        onClick={() => set({ exclude: [...new Set([...d.exclude, p.source])] })}
                      >
                        Exclude
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </>
        )}
        {d.exclude.length > 0 && (
          <>
            <Caption1>Left out of the job:</Caption1>
            <ul className={styles.list} aria-label="Excluded" data-testid="excluded">
              {d.exclude.map((p) => (
                <li key={p} className={styles.actions}>
                  <span className={styles.mono}>{p}</span>
                  <Button
                    size="small"
                    appearance="subtle"
                    onClick={() => set({ exclude: d.exclude.filter((x) => x !== p) })}
                  >
                    Include again
                  </Button>
                </li>
              ))}
            </ul>
          </>
        )}
      </Section>
      <FolderBrowser
        open={browsing}
        title="Add folders and files to copy"
        onClose={() => setBrowsing(false)}
        onPick={(picked) => {
          addPaths(picked.map((p) => p.path));
          setBrowsing(false);
        }}
      />
    </div>
  );
}

const DISPOSITIONS: Record<ImportValues['disposition'] & string, string> = {
  rename: 'Keep both (rename)',
  'no-overwrite': 'Keep the existing one',
  overwrite: 'Overwrite it',
};

function ExportData({ attempted, setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const x = values.exportData;
  const update = useHaul((s) => s.wizard.update);
  const errors = useMemo(() => exportDataErrors(values), [values]);
  const set = (patch: Partial<DraftValues['exportData']>) =>
    update((v) => ({ ...v, exportData: { ...v.exportData, ...patch } }));
  // The text areas keep exactly what was typed; the draft holds the lines.
  const [pathsText, setPathsText] = useState(x.blobPaths.join('\n'));
  const [prefixText, setPrefixText] = useState(x.blobPathPrefixes.join('\n'));
  const [sizeText, setSizeText] = useState(x.driveSize ? formatBytes(x.driveSize).replace(' ', '') : '4TB');
  const [blobList, setBlobList] = useState('');
  const [preview, setPreview] = useState<ExportPreview>();
  const [previewError, setPreviewError] = useState<string>();
  const list = useCsvPicker((f) => setBlobList(f.text));
  const n = Object.keys(errors).length;
  const size = parseSize(sizeText);

  useEffect(() => {
    setGate({ canNext: n === 0, why: n ? 'Name the blobs or prefixes to export.' : undefined });
  }, [n, setGate]);

  useEffect(() => {
    if (!blobList.trim() || !size) {
      setPreview(undefined);
      setPreviewError(undefined);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      answer('prep.previewExport', bridge().prepPreviewExport({ blobListText: blobList, driveSize: size }))
        .then((p) => {
          if (live) {
            setPreview(p);
            setPreviewError(undefined);
          }
        })
        .catch((err: unknown) => {
          if (live) {
            setPreview(undefined);
            setPreviewError(errorText(err));
          }
        });
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [blobList, size]);

  const sizeError =
    sizeText && size === undefined ? `"${sizeText}" is not a size: write it as 4TB, 500GB or 2TiB.` : undefined;
  const prefixError = useFieldError(errors, 'blobPathPrefixes', attempted || !!prefixText);
  const pathsError = useFieldError(errors, 'blobPaths', attempted || !!pathsText);

  return (
    <div className={styles.step}>
      <Section title="Blobs to export">
        <div className={styles.row}>
          <LinesField
            label="Blob path prefixes, one a line"
            hint="e.g. /photos/ or /photos/2026/ — every blob under it."
            field="blobPathPrefixes"
            text={prefixText}
            error={prefixError}
            onChange={(v) => {
              setPrefixText(v);
              set({ blobPathPrefixes: splitLines(v) });
            }}
          />
          <LinesField
            label="Blob paths, one a line"
            hint="Single blobs: /container/name."
            field="blobPaths"
            text={pathsText}
            error={pathsError}
            onChange={(v) => {
              setPathsText(v);
              set({ blobPaths: splitLines(v) });
            }}
          />
        </div>
        <TextField
          label="Or a blob-list blob"
          field="blobListBlobPath"
          value={x.blobListBlobPath ?? ''}
          onChange={(v) => set({ blobListBlobPath: v })}
          errors={errors}
          show={attempted}
          hint="A blob in the storage account that lists the blobs to export."
          input={{ spellCheck: false }}
        />
      </Section>
      <Section title="How many drives">
        <Body1>
          Give the blobs with their sizes (one &quot;container/blob,length&quot; a line, as{' '}
          <code>haul preview-export</code> takes them) and the size of the drives you will send; Haul counts the drives
          the export needs.
        </Body1>
        <div className={styles.row}>
          <Field
            className={styles.narrow}
            label="Drive size"
            validationMessage={sizeError}
            validationState={sizeError ? 'error' : 'none'}
          >
            <Input
              value={sizeText}
              spellCheck={false}
              data-testid="export-drive-size"
              onChange={(_e, v) => {
                setSizeText(v.value);
                const b = parseSize(v.value);
                if (b) set({ driveSize: b });
              }}
            />
          </Field>
          <Field className={styles.grow} label="Blobs and sizes">
            <Textarea
              value={blobList}
              rows={4}
              resize="vertical"
              spellCheck={false}
              onChange={(_e, v) => setBlobList(v.value)}
              data-testid="export-blob-list"
            />
          </Field>
        </div>
        <div className={styles.actions}>
          <input ref={list.ref} type="file" hidden onChange={(e) => void list.onChange(e)} />
          <Button icon={<DocumentArrowUp20Regular />} onClick={list.pick}>
            Load a blob list…
          </Button>
        </div>
        {previewError && (
          <MessageBar intent="error">
            <MessageBarBody>{previewError}</MessageBarBody>
          </MessageBar>
        )}
        {preview && (
          <MessageBar intent={preview.tooLarge.length ? 'warning' : 'info'} data-testid="export-preview">
            <MessageBarBody>
              <MessageBarTitle>
                {preview.drives.length} drive{preview.drives.length === 1 ? '' : 's'} of{' '}
                {formatBytes(preview.driveSize)}
              </MessageBarTitle>
              {formatBytes(preview.totalBytes)} in{' '}
              {preview.drives.reduce((a, dr) => a + dr.blobs.length, 0).toLocaleString()} blobs.
              {preview.tooLarge.length > 0 &&
                ` ${preview.tooLarge.length} blob${preview.tooLarge.length === 1 ? ' is' : 's are'} larger than one drive: ${preview.tooLarge
                  .slice(0, 3)
                  .map((b) => b.blobPath)
                  .join(', ')}. Choose larger drives.`}
            </MessageBarBody>
          </MessageBar>
        )}
      </Section>
    </div>
  );
}

/** A list typed one item a line, bound to a draft field, with its error under it. */
function LinesField(props: {
  label: string;
  hint: string;
  field: string;
  text: string;
  error: string | undefined;
  onChange: (text: string) => void;
}) {
  const styles = useStepStyles();
  return (
    <Field
      className={styles.grow}
      label={props.label}
      hint={props.hint}
      validationMessage={props.error}
      validationState={props.error ? 'error' : 'none'}
    >
      <Textarea
        value={props.text}
        resize="vertical"
        rows={4}
        spellCheck={false}
        data-field={props.field}
        onChange={(_e, v) => props.onChange(v.value)}
      />
    </Field>
  );
}
