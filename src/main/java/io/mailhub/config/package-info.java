/**
 * Reading settings: {@link io.mailhub.config.SettingsReader} turns the text of {@code mailhub.*} values into typed
 * values and collects one line per problem. Each stage owns a small settings record that reads its own keys with it
 * (as Camel's {@code *Configuration} classes do); {@code app.MailhubSettings} puts them together. Depends on
 * {@code model} only.
 */
package io.mailhub.config;
