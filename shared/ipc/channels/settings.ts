// Settings, secrets and the connection (issue "The desktop app starts"): schemas of the
// settings.*, secrets.* and connection.* channels.
import type { ChannelSpec, EventSpec } from './spec';
import type { SettingsChannel } from '../names';

export const settingsChannels = {} satisfies ChannelSpec<SettingsChannel>;

export const settingsEvents = {} satisfies EventSpec<never>;
