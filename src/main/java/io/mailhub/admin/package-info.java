/**
 * The operators' door: the queue administration API ({@code /admin/v1}) with its users and roles
 * ({@code mailhub.admin.users-file}), the hash-chained audit log of every action, and the queue view that lists,
 * filters and acts on queued mail exactly (Artemis' management pages and scheduled messages are read in full).
 */
package io.mailhub.admin;
