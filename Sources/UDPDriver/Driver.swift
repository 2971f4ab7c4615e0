enum UDPDriverPlaceholder {}
