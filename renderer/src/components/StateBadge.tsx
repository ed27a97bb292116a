// A job's or drive's state as a badge: colour, an icon and the state's name, so it reads without
// colour too. "Unknown" (a state this Haul does not know) shows what the service wrote. Once the
// copy is over, the colour is the verdict's: a Completed job with files not imported is not green.
import { Badge, type BadgeProps } from '@fluentui/react-components';
import {
  ArrowSyncCircle16Regular,
  Box16Regular,
  Checkmark16Regular,
  CheckmarkCircle16Regular,
  DismissCircle16Regular,
  Edit16Regular,
  ErrorCircle16Regular,
  Info16Regular,
  QuestionCircle16Regular,
  VehicleTruck16Regular,
  Warning16Regular,
} from '@fluentui/react-icons';
import type { ReactElement } from 'react';
import type { Verdict } from '../../../shared/jobs/schemas';
import { TONE_COLOR } from './VerdictBadge';

type Look = { color: NonNullable<BadgeProps['color']>; icon: ReactElement };

const LOOK: Record<string, Look> = {
  Creating: { color: 'informative', icon: <Edit16Regular /> },
  Specified: { color: 'informative', icon: <Edit16Regular /> },
  Shipping: { color: 'brand', icon: <VehicleTruck16Regular /> },
  Received: { color: 'brand', icon: <Box16Regular /> },
  Transferring: { color: 'brand', icon: <ArrowSyncCircle16Regular /> },
  Packaging: { color: 'brand', icon: <Box16Regular /> },
  Completed: { color: 'success', icon: <CheckmarkCircle16Regular /> },
  CompletedMoreInfo: { color: 'warning', icon: <Info16Regular /> },
  ShippedBack: { color: 'success', icon: <Checkmark16Regular /> },
  Closed: { color: 'warning', icon: <Warning16Regular /> },
  NeverReceived: { color: 'danger', icon: <DismissCircle16Regular /> },
  Faulted: { color: 'danger', icon: <ErrorCircle16Regular /> },
};

export function StateBadge({
  state,
  serviceState,
  size = 'medium',
  verdict,
}: {
  state: string;
  serviceState?: string;
  size?: BadgeProps['size'];
  /** The job's or drive's verdict: once it says what came of the copy, the badge wears its colour. */
  verdict?: Pick<Verdict, 'final' | 'kind' | 'tone'>;
}) {
  const base = LOOK[state] ?? { color: 'subtle' as const, icon: <QuestionCircle16Regular /> };
  const outcome = verdict && (verdict.final || verdict.kind === 'checking');
  // A check mark would contradict a red or orange verdict: a finished state then shows what it is.
  const bad = outcome && (verdict.tone === 'danger' || verdict.tone === 'warning');
  const icon =
    bad && state === 'ShippedBack' ? (
      <VehicleTruck16Regular />
    ) : bad && state === 'Completed' ? (
      <Info16Regular />
    ) : (
      base.icon
    );
  const look = outcome ? { color: TONE_COLOR[verdict.tone], icon } : base;
  const text = state === 'Unknown' ? `${serviceState || 'Unknown'} (unknown)` : state;
  return (
    <Badge
      appearance="tint"
      color={look.color}
      icon={look.icon}
      size={size}
      data-testid="state-badge"
      data-state={state}
    >
      {text}
    </Badge>
  );
}
