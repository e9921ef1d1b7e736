/**
 * Redis commands for every HTTP dialect: {@link dev.tether.gateway.Command}, the command policy and catalog,
 * transactions, and {@link dev.tether.gateway.CommandEngine} ({@code Command → CompletionStage<Reply>}); on a
 * Redis Cluster, the routing of every command by its keys' slot ({@code ClusterRouting}, {@code KeySpec},
 * {@link dev.tether.gateway.Slots}). Knows nothing of HTTP. May use {@code redis} and {@code support}.
 */
package dev.tether.gateway;
