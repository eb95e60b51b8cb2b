/**
 * Who may submit mail: the users file (name, bcrypt hash, the addresses and domains each user may send as), password
 * checks that do not reveal which user names exist, and the count of failed attempts per client address that locks
 * out password guessers. Shared by the SMTP listeners and the sender policy; depends only on {@code model}.
 */
package io.mailhub.auth;
