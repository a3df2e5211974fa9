# frozen_string_literal: true

# The official Ruby SDK for the CloudBooks API. Standard library only.
#
#   require "cloudbooks"
#   client = CloudBooks::Client.new(api_key: ENV["CLOUDBOOKS_API_KEY"])
#   client.users.me.email
module CloudBooks
end

require_relative "cloudbooks/version"
require_relative "cloudbooks/errors"
require_relative "cloudbooks/models"
require_relative "cloudbooks/rate_limit"
require_relative "cloudbooks/list_object"
require_relative "cloudbooks/resources"
require_relative "cloudbooks/client"
