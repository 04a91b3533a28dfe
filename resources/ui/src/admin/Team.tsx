import { useState } from 'react'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { ApiError } from '../shared/api'
import { useSession, useStaffApi } from './session'

type Role = 'owner' | 'manager' | 'staff'
type Member = { user_id: string; full_name: string | null; email: string; role: Role; joined_at: string }
type Invitation = { id: string; email: string; role: 'manager' | 'staff'; expires_at: string; created_at: string }

const ROLES: Role[] = ['owner', 'manager', 'staff']
const date = (iso: string) => new Date(iso).toLocaleDateString()

/**
 * The team: members with their roles (owners change them, remove people and hand over ownership),
 * the invite form and the open invitations. Managers see the team and invite staff.
 */
export function Team() {
  const { session, signOut } = useSession()
  const staffApi = useStaffApi()
  const queryClient = useQueryClient()
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null)
  const members = useQuery({ queryKey: ['team-members'], queryFn: () => staffApi<{ data: Member[] }>('/api/v1/tenancy/team/members') })
  const invitations = useQuery({ queryKey: ['team-invitations'], queryFn: () => staffApi<{ data: Invitation[] }>('/api/v1/tenancy/team/invitations') })
  const me = members.data?.data.find((m) => m.email.toLowerCase() === session.email.toLowerCase())
  const isOwner = me?.role === 'owner'
  // The only owner cannot leave (the server refuses it too): they hand over ownership first.
  const owners = members.data?.data.filter((m) => m.role === 'owner').length ?? 0
  const mayLeave = me !== undefined && !(me.role === 'owner' && owners === 1)

  async function run(what: string, action: () => Promise<unknown>, after?: () => void) {
    setStatus(null)
    try {
      await action()
      setStatus({ ok: true, text: what })
      await queryClient.invalidateQueries({ queryKey: ['team-members'] })
      await queryClient.invalidateQueries({ queryKey: ['team-invitations'] })
      after?.()
    } catch (error) {
      setStatus({ ok: false, text: error instanceof ApiError ? error.message : 'Could not reach the server' })
    }
  }

  const changeRole = (member: Member, role: Role) =>
    run(`${member.email} is now ${role}`, () => staffApi(`/api/v1/tenancy/team/members/${member.user_id}`, { method: 'PATCH', body: { role } }))

  function remove(member: Member) {
    const self = member.user_id === me?.user_id
    if (!confirm(self ? 'Leave this team? You lose access at once.' : `Remove ${member.email}? They lose access at once.`)) return
    void run(self ? 'You left the team' : `${member.email} removed`, () => staffApi(`/api/v1/tenancy/team/members/${member.user_id}`, { method: 'DELETE' }), self ? signOut : undefined)
  }

  function transfer(member: Member) {
    if (!confirm(`Make ${member.email} the owner? You become a manager.`)) return
    void run(`${member.email} is now the owner`, () => staffApi('/api/v1/tenancy/team/transfer-ownership', { method: 'POST', body: { user: member.user_id } }))
  }

  if (members.error) return <p className="error" role="alert">{(members.error as Error).message}</p>
  if (!members.data) return <p aria-busy="true">Loading…</p>

  return (
    <section aria-labelledby="team-title">
      <h1 id="team-title">Team</h1>
      {status && <p className={status.ok ? 'muted' : 'error'} role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
      <div className="card">
        <h2>Members</h2>
        <table>
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Joined</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {members.data.data.map((member) => (
              <tr key={member.user_id}>
                <td>{member.full_name ?? '—'}</td>
                <td>{member.email}</td>
                <td>
                  {isOwner ? (
                    <select aria-label={`Role of ${member.email}`} value={member.role} onChange={(e) => void changeRole(member, e.target.value as Role)}>
                      {ROLES.map((role) => <option key={role} value={role}>{role}</option>)}
                    </select>
                  ) : member.role}
                </td>
                <td>{date(member.joined_at)}</td>
                <td>
                  {isOwner && member.user_id !== me?.user_id && member.role !== 'owner' && (
                    <button type="button" className="secondary" onClick={() => transfer(member)}>Make owner</button>
                  )}{' '}
                  {(member.user_id === me?.user_id ? mayLeave : isOwner) && (
                    <button type="button" className="secondary" onClick={() => remove(member)}>{member.user_id === me?.user_id ? 'Leave' : 'Remove'}</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {invitations.data && <Invitations invitations={invitations.data.data} canInviteManagers={isOwner} run={run} />}
    </section>
  )
}

function Invitations({ invitations, canInviteManagers, run }: {
  invitations: Invitation[]
  canInviteManagers: boolean
  run: (what: string, action: () => Promise<unknown>, after?: () => void) => Promise<void>
}) {
  const staffApi = useStaffApi()
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<'manager' | 'staff'>('staff')

  function invite(event: React.FormEvent) {
    event.preventDefault()
    void run(`Invitation sent to ${email}`, () => staffApi('/api/v1/tenancy/team/invitations', { method: 'POST', body: { email, role } }), () => setEmail(''))
  }

  return (
    <div className="card">
      <h2>Invitations</h2>
      <form onSubmit={invite} aria-label="Invite someone">
        <label htmlFor="invite-email">Email</label>
        <input id="invite-email" type="email" required maxLength={254} value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="invite-role">Role</label>
        <select id="invite-role" value={role} onChange={(e) => setRole(e.target.value as 'manager' | 'staff')}>
          <option value="staff">staff</option>
          {canInviteManagers && <option value="manager">manager</option>}
        </select>
        <p><button type="submit">Send invitation</button></p>
      </form>
      {invitations.length === 0 ? (
        <p className="muted">No open invitations.</p>
      ) : (
        <table>
          <thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Expires</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {invitations.map((invitation) => (
              <tr key={invitation.id}>
                <td>{invitation.email}</td>
                <td>{invitation.role}</td>
                <td>{date(invitation.expires_at)}</td>
                <td>
                  <button type="button" className="secondary" onClick={() => void run(`Invitation to ${invitation.email} withdrawn`, () => staffApi(`/api/v1/tenancy/team/invitations/${invitation.id}`, { method: 'DELETE' }))}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  )
}
