// Text that may be too long for its place: cut with an ellipsis, the whole of it in a tooltip
// (hover, or focus when the element is focusable) and still whole for screen readers.
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
        {children ?? text}
      </span>
    </Tooltip>
  );
}
