# frozen_string_literal: true

module CloudBooks
  VERSION = "0.1.0"
end
