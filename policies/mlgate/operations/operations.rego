# METADATA
# title: MLflow operations
# description: |
#   What each MLflow operation requires: the table itself is data, in
#   data.yaml beside this file (data.mlgate.operations.table). The gateway's
#   route catalogue maps a request to one of these operation names; an
#   operation missing from the table is treated as an unknown route
#   (administrators only).
#
#   access:
#     public         no authentication needed
#     authenticated  any authenticated principal
#     create         any authenticated principal (or, when data.config.creators
#                    names groups for the resource type `creates`, members of
#                    those groups); the creator gets `creator_permission` on the
#                    new resource
#     list           any authenticated principal; the response is filtered to
#                    the rows the principal may read (see authz.visible)
#     resource       `permission` on every target of the request
#                    (with drops_unreadable, the unreadable targets may
#                    instead be left out: see authz)
#     admin          administrators only
#     assistant      administrators, or any authenticated principal when
#                    data.config.assistant_access is "authenticated"
package mlgate.operations
