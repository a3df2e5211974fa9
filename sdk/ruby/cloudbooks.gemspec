# frozen_string_literal: true

require_relative "lib/cloudbooks/version"

Gem::Specification.new do |spec|
  spec.name = "cloudbooks"
  spec.version = CloudBooks::VERSION
  spec.authors = ["CloudBooks"]
  spec.summary = "The official Ruby client for the CloudBooks REST API."
  spec.description = "Typed, read-only models, lazy auto-pagination, one error hierarchy, " \
                     "retries with Idempotency-Keys and transparent token renewal. Standard library only."
  spec.homepage = "https://api.cloudbooks.com/docs"
  spec.required_ruby_version = ">= 3.1"
  spec.metadata = {"rubygems_mfa_required" => "true"}

  spec.files = Dir["lib/**/*.rb", "sig/**/*.rbs", "README.md"]
  spec.require_paths = ["lib"]
end
