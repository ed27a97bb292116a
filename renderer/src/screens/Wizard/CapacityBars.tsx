// The plan drawn per drive: what is on it already, what the copy adds, and what stays free.
import { Caption1, makeStyles, tokens } from '@fluentui/react-components';
import type { PlanSummary } from '../../../../shared/prep/types';
import { formatBytes } from '../../../../shared/prep/names';

const useStyles = makeStyles({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
  },
  head: { display: 'flex', justifyContent: 'space-between', gap: tokens.spacingHorizontalM, flexWrap: 'wrap' },
  id: { fontFamily: tokens.fontFamilyMonospace, fontWeight: tokens.fontWeightSemibold },
  bar: {
    display: 'flex',
    height: '18px',
    borderRadius: tokens.borderRadiusMedium,
    overflow: 'hidden',
    backgroundColor: tokens.colorNeutralBackground4,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
  },
  used: { backgroundColor: tokens.colorNeutralForeground4 },
  planned: { backgroundColor: tokens.colorBrandBackground },
  kept: { backgroundColor: tokens.colorBrandBackground2Pressed },
  legend: { display: 'flex', gap: tokens.spacingHorizontalL, flexWrap: 'wrap', color: tokens.colorNeutralForeground2 },
  swatch: {
    display: 'inline-block',
    width: '10px',
    height: '10px',
    marginRight: tokens.spacingHorizontalXS,
    borderRadius: '2px',
    verticalAlign: 'middle',
  },
});

export function CapacityBars({ plan }: { plan: PlanSummary }) {
  const styles = useStyles();
  return (
    <div>
      <ul className={styles.list} aria-label="Plan per drive" data-testid="capacity-bars">
        {plan.drives.map((d) => {
          const kept = d.keptBytes ?? 0;
          const used = Math.max(0, d.capacity - d.free - kept);
          const pct = (n: number) => (d.capacity > 0 ? Math.min(100, (n / d.capacity) * 100) : 0);
          const label = `${d.driveId}: ${formatBytes(d.plannedBytes)} in ${d.plannedFiles.toLocaleString()} files to copy, ${kept ? `${formatBytes(kept)} of this job already there, ` : ''}${formatBytes(used)} used by other files, ${formatBytes(Math.max(0, d.free - d.plannedBytes))} left of ${formatBytes(d.capacity)}`;
          return (
            <li key={d.driveId} data-testid="capacity-bar" data-drive-id={d.driveId}>
              <div className={styles.head}>
                <span>
                  <span className={styles.id}>{d.driveId}</span> <Caption1>{d.target}</Caption1>
                </span>
                {d.leaves ? (
                  <Caption1 data-testid="drive-leaves">
                    No file of this job on it any more: it leaves the job (Haul&apos;s files go, yours stay)
                  </Caption1>
                ) : (
                  <Caption1>
                    {kept > 0 &&
                      `${(d.keptFiles ?? 0).toLocaleString()} files (${formatBytes(kept)}) of this job there already · `}
                    {formatBytes(d.plannedBytes)} · {d.plannedFiles.toLocaleString()} files to copy ·{' '}
                    {Math.round(d.fillPercent)} % full after the copy
                  </Caption1>
                )}
              </div>
              <div className={styles.bar} role="img" aria-label={label}>
                <div className={styles.used} style={{ width: `${pct(used)}%` }} />
                <div className={styles.kept} style={{ width: `${pct(kept)}%` }} />
                <div className={styles.planned} style={{ width: `${pct(d.plannedBytes)}%` }} />
              </div>
            </li>
          );
        })}
      </ul>
      <div className={styles.legend} aria-hidden>
        <Caption1>
          <span className={`${styles.swatch} ${styles.used}`} />
          other files on the drive
        </Caption1>
        <Caption1>
          <span className={`${styles.swatch} ${styles.kept}`} />
          this job, copied before (stays)
        </Caption1>
        <Caption1>
          <span className={`${styles.swatch} ${styles.planned}`} />
          this job, to copy
        </Caption1>
        <Caption1>
          <span
            className={styles.swatch}
            style={{
              backgroundColor: tokens.colorNeutralBackground4,
              border: `1px solid ${tokens.colorNeutralStroke1}`,
            }}
          />
          free
        </Caption1>
      </div>
    </div>
  );
}
