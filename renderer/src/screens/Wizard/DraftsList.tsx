// Half-finished new-job wizards (drafts kept in main), for the Jobs screen: open one to go on,
// or delete it. Shows nothing when there are none.
import { useEffect } from 'react';
import { Badge, Button, Caption1, makeStyles, Subtitle2, tokens } from '@fluentui/react-components';
import { Delete16Regular, DocumentEdit20Regular } from '@fluentui/react-icons';
import { useHaul } from '../../store';
import { STEPS } from '../../wizard/model';

const useStyles = makeStyles({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalS,
    marginBottom: tokens.spacingVerticalL,
  },
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
  },
  item: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalM,
    flexWrap: 'wrap',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  open: { justifyContent: 'flex-start', fontWeight: tokens.fontWeightSemibold },
  end: { marginLeft: 'auto' },
});

export function DraftsList() {
  const styles = useStyles();
  const drafts = useHaul((s) => s.wizard.drafts);
  const error = useHaul((s) => s.wizard.draftsError);
  const refresh = useHaul((s) => s.wizard.refreshDrafts);
  const remove = useHaul((s) => s.wizard.deleteDraft);
  const navigate = useHaul((s) => s.ui.navigate);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (error) return <Caption1 role="alert">Haul could not list the drafts: {error}</Caption1>;
  if (!drafts?.length) return null;
  return (
    <section className={styles.box} aria-labelledby="drafts-heading" data-testid="drafts-list">
      <Subtitle2 as="h2" id="drafts-heading">
        Drafts
      </Subtitle2>
      <ul className={styles.list}>
        {drafts.map((d) => (
          <li key={d.id} className={styles.item} data-testid="draft-row">
            <Button
              className={styles.open}
              appearance="transparent"
              icon={<DocumentEdit20Regular />}
              onClick={() => navigate({ name: 'wizard', draftId: d.id })}
            >
              {d.jobName || 'Unnamed job'}
            </Button>
            {d.kind && <Badge appearance="outline">{d.kind === 'export' ? 'Export' : 'Import'}</Badge>}
            <Caption1>at {STEPS.find((s) => s.id === d.step)?.title ?? d.step}</Caption1>
            {d.sessionId && (
              <Badge appearance="tint" color="informative">
                drives being prepared
              </Badge>
            )}
            <Caption1 className={styles.end}>saved {new Date(d.updatedAt).toLocaleString()}</Caption1>
            <Button
              size="small"
              appearance="subtle"
              icon={<Delete16Regular />}
              aria-label={`Delete the draft ${d.jobName || d.id}`}
              onClick={() => void remove(d.id)}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
