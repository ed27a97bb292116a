// Step 2 (import), picked sources: folders and files to copy (browsed over fs.browse, or typed)
// and where they land in the storage account.
import { useState } from 'react';
import { Button, Caption1, Dropdown, Field, Input, Option, tokens } from '@fluentui/react-components';
import { Add20Regular, Dismiss16Regular, FolderOpen20Regular } from '@fluentui/react-icons';
import { blobType } from '../../../../shared/formats/driveManifest';
import { useHaul } from '../../store';
import type { DraftValues, FieldErrors } from '../../wizard/model';
import { FolderBrowser } from './FolderBrowser';
import { FILL, Section, TextField, useFieldError, useStepStyles } from './parts';

type ImportValues = DraftValues['importData'];

const DISPOSITIONS: Record<ImportValues['disposition'] & string, string> = {
  rename: 'Keep both (rename)',
  'no-overwrite': 'Keep the existing one',
  overwrite: 'Overwrite it',
};

export function PickedSources({ attempted, errors }: { attempted: boolean; errors: FieldErrors }) {
  const styles = useStepStyles();
  const d = useHaul((s) => s.wizard.values.importData);
  const update = useHaul((s) => s.wizard.update);
  const [browsing, setBrowsing] = useState(false);
  const [typedPath, setTypedPath] = useState('');
  const set = (patch: Partial<ImportValues>) => update((v) => ({ ...v, importData: { ...v.importData, ...patch } }));
  const addPaths = (paths: string[]) => set({ paths: [...new Set([...d.paths, ...paths])] });
  const pathsError = useFieldError(errors, 'paths', attempted);
  return (
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
      <Destination attempted={attempted} errors={errors} />
      <FolderBrowser
        open={browsing}
        title="Add folders and files to copy"
        onClose={() => setBrowsing(false)}
        onPick={(picked) => {
          addPaths(picked.map((p) => p.path));
          setBrowsing(false);
        }}
      />
    </>
  );
}

/** Where the copy lands: the container and prefix, the blob type, and what to do when a blob exists. */
function Destination({ attempted, errors }: { attempted: boolean; errors: FieldErrors }) {
  const styles = useStepStyles();
  const d = useHaul((s) => s.wizard.values.importData);
  const update = useHaul((s) => s.wizard.update);
  const set = (patch: Partial<ImportValues>) => update((v) => ({ ...v, importData: { ...v.importData, ...patch } }));
  return (
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
            {blobType.options.map((t) => (
              <Option key={t} value={t}>
                {t}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="If the blob exists" className={styles.narrow}>
          <Dropdown
            style={FILL}
            value={DISPOSITIONS[d.disposition ?? 'rename']}
            selectedOptions={[d.disposition ?? 'rename']}
            onOptionSelect={(_e, x) => set({ disposition: (x.optionValue as ImportValues['disposition']) ?? 'rename' })}
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
  );
}
