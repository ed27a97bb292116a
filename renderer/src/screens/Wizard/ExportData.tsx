// Step 2 (export): the blobs to bring back (paths and prefixes) and how many drives of a size the
// export needs.
import { useEffect, useMemo, useState } from 'react';
import {
  Body1,
  Button,
  Field,
  Input,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Textarea,
} from '@fluentui/react-components';
import { DocumentArrowUp20Regular } from '@fluentui/react-icons';
import { formatBytes, parseSize } from '../../../../shared/prep/names';
import type { ExportPreview } from '../../../../shared/prep/exportPreview';
import { errorText } from '../../bridge/answer';
import { useHaul } from '../../store';
import { exportDataErrors, splitLines, type DraftValues, type FieldErrors } from '../../wizard/model';
import { useCsvPicker } from './csv';
import { Section, TextField, useFieldError, useStepStyles } from './parts';
import type { StepProps } from './step';
import { AccountBrowser } from './AccountBrowser';
import { ExportEstimate } from './ExportEstimate';

type ExportValues = DraftValues['exportData'];
type SetExport = (patch: Partial<ExportValues>) => void;

export function ExportData({ attempted, setGate }: StepProps) {
  const styles = useStepStyles();
  const values = useHaul((s) => s.wizard.values);
  const update = useHaul((s) => s.wizard.update);
  const errors = useMemo(() => exportDataErrors(values), [values]);
  const set: SetExport = (patch) => update((v) => ({ ...v, exportData: { ...v.exportData, ...patch } }));
  const n = Object.keys(errors).length;
  const pathProblems = useAccountEstimate(values);

  useEffect(() => {
    setGate({
      canNext: n === 0 && pathProblems === 0,
      why: n
        ? 'Name the blobs or prefixes to export.'
        : pathProblems
          ? `${pathProblems} of the paths name${pathProblems === 1 ? 's' : ''} nothing in the storage account: fix or remove ${pathProblems === 1 ? 'it' : 'them'}.`
          : undefined,
    });
  }, [n, pathProblems, setGate]);

  return (
    <div className={styles.step}>
      <BlobsToExport values={values.exportData} errors={errors} attempted={attempted} set={set} />
      <Section title="How many drives">
        <ExportEstimate />
        <DrivesFromBlobList driveSize={values.exportData.driveSize} set={set} />
      </Section>
    </div>
  );
}

/**
 * The account is read for its containers; what is typed is checked against it after a pause.
 * How many of the typed paths name nothing there.
 */
function useAccountEstimate(values: DraftValues): number {
  const x = values.exportData;
  const account = values.type.storageAccountId;
  const loadContainers = useHaul((s) => s.wizard.loadContainers);
  const runEstimate = useHaul((s) => s.wizard.runEstimate);
  const estimate = useHaul((s) => s.wizard.exportBrowse.estimate);
  useEffect(() => {
    void loadContainers();
  }, [loadContainers, account]);
  const estimateKey = JSON.stringify([account, x.blobPaths, x.blobPathPrefixes, x.driveSize]);
  useEffect(() => {
    const timer = setTimeout(() => void runEstimate(), 400);
    return () => clearTimeout(timer);
  }, [estimateKey, runEstimate]);
  return (estimate?.paths ?? []).filter((p) => p.problem).length;
}

/** The blobs to bring back: picked in the account, typed as prefixes or paths, or a blob-list blob. */
function BlobsToExport({
  values: x,
  errors,
  attempted,
  set,
}: {
  values: ExportValues;
  errors: FieldErrors;
  attempted: boolean;
  set: SetExport;
}) {
  const styles = useStepStyles();
  // The text areas keep exactly what was typed; the draft holds the lines.
  const [pathsText, setPathsText] = useState(x.blobPaths.join('\n'));
  const [prefixText, setPrefixText] = useState(x.blobPathPrefixes.join('\n'));

  const add = (kind: 'prefix' | 'blob', path: string) => {
    const [text, setText, field] =
      kind === 'prefix'
        ? ([prefixText, setPrefixText, 'blobPathPrefixes'] as const)
        : ([pathsText, setPathsText, 'blobPaths'] as const);
    const lines = splitLines(text);
    if (lines.includes(path)) return;
    const next = [...lines, path];
    setText(next.join('\n'));
    set({ [field]: next });
  };

  const prefixError = useFieldError(errors, 'blobPathPrefixes', attempted || !!prefixText);
  const pathsError = useFieldError(errors, 'blobPaths', attempted || !!pathsText);

  return (
    <Section title="Blobs to export">
      <AccountBrowser onAdd={add} />
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
  );
}

/** The drives an export of the blobs in a typed or loaded list needs, after a pause; or why not. */
function useExportPreview(blobList: string, size: number | undefined) {
  const previewExport = useHaul((s) => s.wizard.previewExport);
  const [preview, setPreview] = useState<ExportPreview>();
  const [previewError, setPreviewError] = useState<string>();
  useEffect(() => {
    if (!blobList.trim() || !size) {
      setPreview(undefined);
      setPreviewError(undefined);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      previewExport(blobList, size)
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
  }, [blobList, size, previewExport]);
  return { preview, previewError };
}

/** The drive size, and the drives counted from a list of blobs with their sizes (without the account). */
function DrivesFromBlobList({ driveSize, set }: { driveSize: number | undefined; set: SetExport }) {
  const styles = useStepStyles();
  const [sizeText, setSizeText] = useState(driveSize ? formatBytes(driveSize).replace(' ', '') : '4TB');
  const [blobList, setBlobList] = useState('');
  const list = useCsvPicker((f) => setBlobList(f.text));
  const size = parseSize(sizeText);
  const { preview, previewError } = useExportPreview(blobList, size);
  const sizeError =
    sizeText && size === undefined ? `"${sizeText}" is not a size: write it as 4TB, 500GB or 2TiB.` : undefined;

  return (
    <>
      <Body1>
        Without access to the account, give the blobs with their sizes (one &quot;container/blob,length&quot; a line, as{' '}
        <code>haul preview-export</code> takes them); Haul counts the drives of the size below the export needs.
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
      {preview && <PreviewBar preview={preview} />}
    </>
  );
}

/** How many drives of the size the listed blobs fill, and the blobs larger than one drive. */
function PreviewBar({ preview }: { preview: ExportPreview }) {
  return (
    <MessageBar intent={preview.tooLarge.length ? 'warning' : 'info'} data-testid="export-preview">
      <MessageBarBody>
        <MessageBarTitle>
          {preview.drives.length} drive{preview.drives.length === 1 ? '' : 's'} of {formatBytes(preview.driveSize)}
        </MessageBarTitle>
        {formatBytes(preview.totalBytes)} in {preview.drives.reduce((a, dr) => a + dr.blobs.length, 0).toLocaleString()}{' '}
        blobs.
        {preview.tooLarge.length > 0 &&
          ` ${preview.tooLarge.length} blob${preview.tooLarge.length === 1 ? ' is' : 's are'} larger than one drive: ${preview.tooLarge
            .slice(0, 3)
            .map((b) => b.blobPath)
            .join(', ')}. Choose larger drives.`}
      </MessageBarBody>
    </MessageBar>
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
