// A job's or drive's state as a badge: colour, an icon and the state's name, so it reads without
// colour too. "Unknown" (a state this Haul does not know) shows what the service wrote.
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
}: {
  state: string;
  serviceState?: string;
  size?: BadgeProps['size'];
}) {
  const look = LOOK[state] ?? { color: 'subtle' as const, icon: <QuestionCircle16Regular /> };
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
