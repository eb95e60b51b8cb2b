/**
 * Content verdicts from filter daemons (spam scoring with rspamd), asked by the acceptance stage before the 250/202
 * for mail from untrusted clients. Each daemon sits behind {@link io.mailhub.filter.SpamFilter}.
 */
package io.mailhub.filter;
