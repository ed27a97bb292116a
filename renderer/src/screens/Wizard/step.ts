// What passes between the wizard's frame and each of its steps: the step's props, and the gate
// each step sets to say whether Next may go on.

/** What a step tells the frame: may Next go on, why not, and what Next does (when it is more than moving on). */
export interface StepGate {
  canNext: boolean;
  why?: string;
  nextLabel?: string;
  onNext?: () => Promise<boolean> | boolean;
  busy?: boolean;
}

export interface StepProps {
  /** Next was tried: show every field's error, not only the touched ones */
  attempted: boolean;
  setGate(gate: StepGate): void;
}
