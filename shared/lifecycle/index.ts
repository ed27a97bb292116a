// Entry of the life-cycle module (contract 1). See machine.ts for the design notes.
export * from './types';
