# frozen_string_literal: true

require "net/http"
require "json"

module Acme
  # Posts deploy notices to a Slack webhook.
  class SlackNotifier
    DEFAULT_CHANNEL = "#deploys"

    def initialize(webhook_url, channel: DEFAULT_CHANNEL)
      @uri = URI(webhook_url)
      @channel = channel
    end

    def notify(text, retries: 2)
      payload = { channel: @channel, text: text }.to_json
      response = Net::HTTP.post(@uri, payload, "Content-Type" => "application/json")
      raise "slack returned #{response.code}" unless response.is_a?(Net::HTTPSuccess)
    rescue StandardError => e
      retries -= 1
      retry if retries >= 0
      warn e.message
    end

    def self.from_env
      new(ENV.fetch("SLACK_WEBHOOK_URL"))
    end
  end
end
