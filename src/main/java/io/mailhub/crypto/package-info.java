/** Key and certificate files (PEM) shared by TLS and DKIM. Depends on no other Mailhub package. */
package io.mailhub.crypto;
