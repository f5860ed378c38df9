/** Lets a test hold a request open between reading its session and writing it back. */
export class Gate {
  private release!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  entered = false;
  open() {
    this.release();
  }
}
