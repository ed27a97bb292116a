// What came of a job or a drive (its verdict, shared/jobs/verdict.ts) as a badge: the verdict's
// words, its colour and an icon, so it reads without colour too. The same badge on the job page,
// its row in the list and the drive table.
import { Badge, type BadgeProps } from '@fluentui/react-components';
import {
  ArrowSyncCircle16Regular,
  Box16Regular,
  CheckmarkCircle16Regular,
  DismissCircle16Regular,
  DocumentSearch16Regular,
  ErrorCircle16Regular,
  Info16Regular,
  QuestionCircle16Regular,
  SubtractCircle16Regular,
  VehicleTruck16Regular,
  Warning16Regular,
} from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import type { Tone, Verdict, VerdictKind } from '../../../shared/jobs/schemas';

const ICON: Record<VerdictKind, ReactElement> = {
  waiting: <VehicleTruck16Regular />,
  atDataCenter: <Box16Regular />,
  copying: <ArrowSyncCircle16Regular />,
  checking: <DocumentSearch16Regular />,
  faulted: <ErrorCircle16Regular />,
  unknown: <QuestionCircle16Regular />,
  extra: <Info16Regular />,
  imported: <CheckmarkCircle16Regular />,
  importedWithWarnings: <Warning16Regular />,
  importedWithErrors: <ErrorCircle16Regular />,
  partlyImported: <ErrorCircle16Regular />,
  notImported: <DismissCircle16Regular />,
  cancelled: <SubtractCircle16Regular />,
};

/** Fluent's badge colour for a verdict's tone. */
export const TONE_COLOR: Record<Tone, NonNullable<BadgeProps['color']>> = {
  success: 'success',
  warning: 'warning',
  danger: 'danger',
  informative: 'informative',
  brand: 'brand',
  subtle: 'subtle',
};

export function VerdictBadge({
  verdict,
  size = 'medium',
  testId = 'verdict',
}: {
  verdict: Pick<Verdict, 'kind' | 'tone' | 'label'>;
  size?: BadgeProps['size'];
  testId?: string;
}) {
  return (
    <Badge
      appearance={verdict.tone === 'danger' ? 'filled' : 'tint'}
      color={TONE_COLOR[verdict.tone]}
      icon={ICON[verdict.kind]}
      size={size}
      data-testid={testId}
      data-verdict={verdict.kind}
    >
      {verdict.label}
    </Badge>
  );
}
