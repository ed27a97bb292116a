// The Settings screen's sections, in order. Another part of Haul adds its own section here (its
// settings live under its own key of the settings document, shared/ipc/channels/settings.ts).
import type { ComponentType } from 'react';
import type { FluentIcon } from '@fluentui/react-icons';
import { CloudLinkRegular, KeyRegular, OptionsRegular } from '@fluentui/react-icons';
import { ConnectionSection } from './ConnectionSection';
import { GeneralSection } from './GeneralSection';
import { SecretsSection } from './SecretsSection';

export interface SettingsSection {
  id: string;
  title: string;
  icon: FluentIcon;
  Component: ComponentType;
}

export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: 'general', title: 'General', icon: OptionsRegular, Component: GeneralSection },
  { id: 'connection', title: 'Connection', icon: CloudLinkRegular, Component: ConnectionSection },
  { id: 'secrets', title: 'Keys and passwords', icon: KeyRegular, Component: SecretsSection },
  // --- other sections (notifications, preparation …) go here
];
