/**
 * Notifier: where Finalize sends the day's short summary (in AWS, the stage's SNS topic, whose subscribers
 * get it by e-mail; the adapter is in `@ensemble/functions`). Locally there is none: the CLI prints its own
 * summary. A publish that fails is thrown, never dropped.
 */

/** A notification: a subject line and a plain-text body. */
export interface Notification {
  /** At most 100 characters (SNS's limit for e-mail subjects). */
  readonly subject: string;
  readonly text: string;
}

/** The port. */
export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

/** A {@link Notifier} that keeps what it is sent (tests). */
export const createMemoryNotifier = (): Notifier & { readonly sent: Notification[] } => {
  const sent: Notification[] = [];
  return {
    sent,
    async publish(n) {
      sent.push(n);
    },
  };
};
