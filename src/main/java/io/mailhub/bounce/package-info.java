/**
 * The bounce stage (Postfix's bounce(8)): turns the outcomes on {@code mail.bounce} into delivery status notifications
 * to the envelope sender. Input: an {@link io.mailhub.model.Envelope}, its {@link io.mailhub.model.RecipientOutcome}s
 * and the original message. Output: a decision ({@link io.mailhub.bounce.NotifyRules}: send, not requested, or double
 * bounce for the null sender) and, when sending, an RFC 5322 message written by
 * {@link io.mailhub.bounce.DsnComposer}, to be queued from {@code <>} to the sender.
 *
 * <p>RFCs: 3461 (NOTIFY, RET, ENVID, ORCPT; section 4.3: only failures return the full message), 3464 (the
 * {@code message/delivery-status} fields), 6522 ({@code multipart/report}), 6533 (the {@code utf-8} address type and
 * {@code message/global-delivery-status}), 3834 ({@code Auto-Submitted: auto-replied}), 5322 (folding, 998 octets).
 *
 * <p>Choices where the RFCs leave room: the human text is a template file ({@link io.mailhub.bounce.DsnTemplates},
 * {@code config/bounce-templates.txt}); a diagnostic is {@code smtp;} only when it is a reply from the remote MTA,
 * local reasons are {@code X-Mailhub;} (as Postfix writes {@code X-Postfix;}); an original that would push the notice
 * over {@code mailhub.max-message-size}, or that has lines over 998 octets, is returned as headers only (and the
 * text says why). Depends only on {@code io.mailhub.model}.
 */
package io.mailhub.bounce;
