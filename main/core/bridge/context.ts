// What the bridge's handler modules are built from: the services of main/core, built once by the
// composition root (main/core/services.ts). Each handler module is a map from its channels to
// methods of that object.
import type { RequestOf, ResponseOf } from '../../../shared/ipc/contract';
import type { ChannelName } from '../../../shared/ipc/names';
import type { CoreServices } from '../services';

export type Handlers = { [C in ChannelName]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };
/** The handlers of one namespace: `HandlersOf<JobsChannel>`. */
export type HandlersOf<C extends ChannelName> = { [K in C]: (request: RequestOf<K>) => Promise<ResponseOf<K>> };

export type { CoreEvents } from '../events';
export type { CoreOptions, CoreServices } from '../services';
/** The services the handlers are built from (the name the BitLocker gate knows them by). */
export type CoreContext = CoreServices;
