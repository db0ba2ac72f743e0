package com.acme.common

import kotlinx.coroutines.delay

// Retries a suspending call with exponential backoff.
data class RetryPolicy(val attempts: Int = 3, val baseDelayMs: Long = 100L)

class Retrier(private val policy: RetryPolicy) {
    suspend fun <T> run(block: suspend () -> T): T {
        var last: Throwable? = null
        repeat(policy.attempts) { attempt ->
            try {
                return block()
            } catch (e: java.io.IOException) {
                last = e
                delay(policy.baseDelayMs shl attempt)
            }
        }
        throw IllegalStateException("failed after ${policy.attempts} attempts", last)
    }
}

object Defaults {
    val policy = RetryPolicy()
}

fun backoff(attempt: Int): Long = 100L * (1 shl attempt)
