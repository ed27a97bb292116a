// Text that may be too long for its place: cut with an ellipsis, the whole of it in a tooltip on
// hover and whole for screen readers. With children, the children are what shows (a count, "3 min
// ago") and the text is what the tooltip and a screen reader give. Never for an identifier a person
// must read whole (a drive id, a job name, a tracking number): those wrap instead.
import { makeStyles, mergeClasses, Tooltip } from '@fluentui/react-components';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  cut: {
    display: 'block',
    minWidth: 0,
    maxWidth: '100%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  hidden: {
    position: 'absolute',
    width: '1px',
    height: '1px',
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  },
});

export function Truncated({
  text,
  className,
  children,
  mono,
}: {
  text: string;
  className?: string;
  children?: ReactNode;
  mono?: boolean;
}) {
  const styles = useStyles();
  return (
    <Tooltip content={text} relationship="inaccessible" withArrow>
      <span
        className={mergeClasses(styles.cut, className)}
        style={mono ? { fontFamily: 'var(--fontFamilyMonospace)' } : undefined}
      >
        {children === undefined ? (
          text
        ) : (
          <>
            <span aria-hidden>{children}</span>
            <span className={styles.hidden}>{text}</span>
          </>
        )}
      </span>
    </Tooltip>
  );
}
