#
# Step builders shared by the scenario files (scenarios.py and the
# modules it appends): the libqtest handshake and QMP requests.
#

CAPS = ('qmp', '{"execute": "qmp_capabilities"}')
# The libqtest handshake (reference §6.1): endianness, greeting, caps.
HS = [('qt', 'endianness'), ('greet',), CAPS]


def qmp(cmd):
    return ('qmp', cmd)


def qom_set(path, prop, value):
    return qmp('{"execute": "qom-set", "arguments": {"path": "%s", '
               '"property": "%s", "value": %s}}' % (path, prop, value))


def qom_get(path, prop):
    return qmp('{"execute": "qom-get", "arguments": {"path": "%s", '
               '"property": "%s"}}' % (path, prop))
