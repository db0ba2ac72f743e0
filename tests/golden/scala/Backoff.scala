package com.acme.common

import scala.concurrent.duration._

// Exponential backoff with a cap.
case class Backoff(base: FiniteDuration = 100.millis, cap: FiniteDuration = 10.seconds) {
  def delay(attempt: Int): FiniteDuration = {
    val d = base * math.pow(2, attempt).toLong
    if (d > cap) cap else d
  }
}

trait Retryable {
  def retries: Int = 3
}

object Backoff {
  val default: Backoff = Backoff()

  def describe(b: Backoff): String = s"backoff from ${b.base} up to ${b.cap}"
}

class Client(url: String) extends Retryable {
  override def retries: Int = 5
}
