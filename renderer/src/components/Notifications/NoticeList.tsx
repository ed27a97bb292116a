// The centre's list: newest first, unread in bold with a dot; a click marks it read and opens the
// job. Only the notices in view are drawn (the centre keeps up to 200).
import { useRef } from 'react';
import { Body1Strong, Button, Caption1, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { HaulNotice } from '../../../../shared/notifications/schemas';
import { useHaul } from '../../store';
import { formatDateTime } from '../../format';
import { ago } from './time';
import { withoutRules } from '../../format';

const useStyles = makeStyles({
  scroller: { overflowY: 'auto', maxHeight: '55vh' },
  list: { position: 'relative', margin: 0, padding: 0, listStyleType: 'none' },
  row: { position: 'absolute', top: 0, left: 0, width: '100%' },
  item: {
    display: 'grid',
    gridTemplateColumns: '10px minmax(0, 1fr)',
    columnGap: tokens.spacingHorizontalS,
    width: '100%',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}`,
    border: 'none',
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: 'transparent',
    color: tokens.colorNeutralForeground1,
    textAlign: 'left',
    fontFamily: 'inherit',
    cursor: 'pointer',
    overflowWrap: 'break-word',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  dot: {
    width: '8px',
    height: '8px',
    borderRadius: '50%',
    marginTop: '6px',
    backgroundColor: tokens.colorBrandBackground,
  },
  read: { color: tokens.colorNeutralForeground2 },
  body: { display: 'block', color: tokens.colorNeutralForeground2, marginTop: tokens.spacingVerticalXXS },
  meta: { display: 'block', color: tokens.colorNeutralForeground3, marginTop: tokens.spacingVerticalXXS },
  empty: { padding: tokens.spacingVerticalL, color: tokens.colorNeutralForeground2 },
  bar: { display: 'flex', justifyContent: 'flex-end' },
});

export function NoticeList({ onOpen }: { onOpen: () => void }) {
  const styles = useStyles();
  const notices = useHaul((s) => s.notifications.notices);
  const unread = useHaul((s) => s.notifications.unread);
  const open = useHaul((s) => s.notifications.open);
  const markAllRead = useHaul((s) => s.notifications.markAllRead);
  const listRef = useRef<HTMLDivElement>(null);
  const rows = useVirtualizer({
    count: notices.length,
    estimateSize: () => 92,
    getScrollElement: () => listRef.current,
    getItemKey: (i) => notices[i]?.id ?? String(i),
    overscan: 12,
  });
  const now = Date.now();
  if (notices.length === 0)
    return (
      <Text className={styles.empty}>
        Nothing yet. Haul tells you here, and on your desktop, when a job moves or needs you.
      </Text>
    );
  const click = (n: HaulNotice) => {
    open(n);
    onOpen();
  };
  return (
    <>
      <div className={styles.bar}>
        <Button size="small" appearance="transparent" disabled={unread === 0} onClick={() => void markAllRead()}>
          Mark all read
        </Button>
      </div>
      <div ref={listRef} className={styles.scroller}>
        <ul className={styles.list} style={{ height: rows.getTotalSize() }} aria-label="Notifications">
          {rows.getVirtualItems().map((item) => {
            const n = notices[item.index];
            if (!n) return null;
            return (
              <li
                key={item.key}
                ref={rows.measureElement}
                data-index={item.index}
                className={styles.row}
                style={{ transform: `translateY(${item.start}px)` }}
                aria-setsize={notices.length}
                aria-posinset={item.index + 1}
              >
                <button
                  type="button"
                  className={styles.item}
                  onClick={() => click(n)}
                  data-testid="notice"
                  data-unread={!n.read}
                  data-rule={n.rule}
                >
                  <span className={n.read ? undefined : styles.dot} aria-label={n.read ? undefined : 'unread'} />
                  <span>
                    {n.read ? <Text className={styles.read}>{n.title}</Text> : <Body1Strong>{n.title}</Body1Strong>}
                    <Caption1 className={styles.body}>{withoutRules(n.body).text}</Caption1>
                    <Caption1 className={styles.meta} title={formatDateTime(n.at)}>
                      {`${n.jobName} · ${ago(n.at, now)}${n.rule ? ` · rule ${n.rule}` : ''}`}
                    </Caption1>
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      </div>
    </>
  );
}
